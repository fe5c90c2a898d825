/** Values derived once from the config and shared by every content module. */
import { dashboardDuration, type Duration, type Matcher } from '../engine/promql.js';
import { parseSelector } from '../engine/selector.js';
import { textRenderer, type RenderText } from '../engine/text.js';
import { projectDir } from '../paths.js';
import type { SptConfig } from './config.js';

export interface Context {
  config: SptConfig;
  /** `_config.sptSelector` as matchers, added to every raw-metric selector. */
  selector: readonly Matcher[];
  /** `_config.environmentLabels`: labels every aggregation keeps so environments never mix. */
  environmentLabels: readonly string[];
  /** Range of dashboard rate() windows. */
  rateInterval: Duration;
  text: RenderText;
}

const templatesDir = projectDir('templates');
export const renderText = textRenderer(templatesDir);

/** `x` as a percentage without binary noise: 0.07 gives 7, not 7.000000000000001. */
export const percent = (x: number): number => Number((100 * x).toPrecision(12));

export function contextOf(config: SptConfig): Context {
  return {
    config,
    selector: parseSelector(config.sptSelector),
    environmentLabels: config.environmentLabels ?? [],
    rateInterval: dashboardDuration(config.rateInterval),
    text: renderText,
  };
}
