/** Values derived once from the config and shared by every content module. */
import { fileURLToPath } from 'node:url';
import { dashboardDuration, type Duration, type Matcher } from '../engine/promql.js';
import { parseSelector } from '../engine/selector.js';
import { textRenderer, type RenderText } from '../engine/text.js';
import type { SptConfig } from './config.js';

export interface Context {
  config: SptConfig;
  /** `_config.sptSelector` as matchers, added to every raw-metric selector. */
  selector: readonly Matcher[];
  /** Range of dashboard rate() windows. */
  rateInterval: Duration;
  text: RenderText;
}

const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));
export const renderText = textRenderer(templatesDir);

export function contextOf(config: SptConfig): Context {
  return {
    config,
    selector: parseSelector(config.sptSelector),
    rateInterval: dashboardDuration(config.rateInterval),
    text: renderText,
  };
}
