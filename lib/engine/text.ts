/**
 * Text partials (alert summaries, descriptions, runbook links, file headers) live as eta templates so prose
 * is edited as prose. eta's `<% %>` tags leave Prometheus's own `{{ $value }}` templating untouched.
 */
import { Eta } from 'eta';
import { isPlainObject } from './merge.js';

export type RenderText = (name: string, data: object) => string;

/**
 * Renders `<templatesDir>/<name>.eta`; surrounding whitespace of a partial is never meaningful here. A template
 * that reads a key its data does not have (a misspelt config key) fails, naming the template and the key,
 * instead of writing "undefined" or "NaN" into an alert; so does a template eta cannot parse.
 */
export function textRenderer(templatesDir: string): RenderText {
  const eta = new Eta({ views: templatesDir, autoEscape: false, autoTrim: false, cache: true });
  return (name, data) => {
    try {
      return eta.render(`./${name}.eta`, strict(data, 'it')).trim();
    } catch (error) {
      const reason = error instanceof Error ? error.message.trim().split('\n')[0] : String(error);
      throw new TemplateError(`templates/${name}.eta: ${reason}`);
    }
  };
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** `data` with every read of a missing key of a plain object throwing, the path of the read in the message. */
function strict<T extends object>(data: T, path: string): T {
  return new Proxy(data, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return value;
      if (!(key in target)) throw new Error(`${path}.${key} does not exist; check the spelling against the config keys`);
      return isPlainObject(value) ? strict(value, `${path}.${key}`) : value;
    },
  });
}

/**
 * Text that must reach a Prometheus alert template verbatim. Any `{` could start a `{{` action, on its own or
 * together with the template text next to it, so every one is written as the action `{{ "{" }}`, which prints it.
 */
export function goTemplateLiteral(text: string): string {
  return text.replaceAll('{', '{{ "{" }}');
}
