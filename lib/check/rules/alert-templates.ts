/**
 * Alert labels and annotations as Prometheus parses them when it loads a rule file (rulefmt's template test):
 * Go text/template with Prometheus's function set, the text prefixed with the definitions of `$labels`,
 * `$externalLabels`, `$externalURL` and `$value`, under the template name `__alert_<alert name>`.
 */
import { BoundedCache } from '../../engine/bounded-cache.js';
import { GO_BUILTIN_FUNCTIONS, goTemplateProblem, type TemplateProblem } from '../go-template.js';

/** Prometheus 3's template functions (template/template.go; the template reference lists them). */
const PROMETHEUS_FUNCTIONS = `query first label value strvalue sortByLabel args reReplaceAll safeHtml match title toUpper
  toLower graphLink tableLink stripPort stripDomain humanize humanize1024 humanizeDuration humanizePercentage
  humanizeTimestamp toTime toDuration now pathPrefix externalURL parseDuration urlQueryEscape`;
const FUNCTIONS: ReadonlySet<string> = new Set([...PROMETHEUS_FUNCTIONS.trim().split(/\s+/), ...GO_BUILTIN_FUNCTIONS]);
const DEFINITIONS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/**
 * Answers are kept: rule files repeat the same label values and annotation texts many times. Bounded like the
 * PromQL parse cache.
 */
const answers = new BoundedCache<TemplateProblem | undefined>(20_000);

/** The first problem Prometheus would have with an alert's label or annotation text, or undefined. */
export function alertTemplateProblem(text: string, alertName: string): TemplateProblem | undefined {
  // Without an action the text is plain text, whatever it holds.
  if (!text.includes('{{')) return undefined;
  // The alert's name only matters to a text that defines templates, whose names may clash with it; other texts
  // have one answer for every alert.
  const key = /define|block/.test(text) ? `${alertName}\u0000${text}` : text;
  return answers.get(key, () => {
    const problem = goTemplateProblem(DEFINITIONS + text, { functions: FUNCTIONS, name: `__alert_${alertName}` });
    const shift = (offset: number): number => Math.max(0, offset - DEFINITIONS.length);
    return problem && { ...problem, from: shift(problem.from), to: shift(problem.to) };
  });
}
