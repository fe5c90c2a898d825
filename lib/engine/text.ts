/**
 * Text partials (alert summaries, descriptions, runbook links, file headers) live as eta templates so prose
 * is edited as prose. eta's `<% %>` tags leave Prometheus's own `{{ $value }}` templating untouched.
 */
import { Eta } from 'eta';

export type RenderText = (name: string, data: object) => string;

/** Renders `<templatesDir>/<name>.eta`; surrounding whitespace of a partial is never meaningful here. */
export function textRenderer(templatesDir: string): RenderText {
  const eta = new Eta({ views: templatesDir, autoEscape: false, autoTrim: false, cache: true });
  return (name, data) => eta.render(`./${name}.eta`, data).trim();
}

/**
 * Text that must reach a Prometheus alert template verbatim. Any `{` could start a `{{` action, on its own or
 * together with the template text next to it, so every one is written as the action `{{ "{" }}`, which prints it.
 */
export function goTemplateLiteral(text: string): string {
  return text.replaceAll('{', '{{ "{" }}');
}
