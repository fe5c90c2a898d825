/**
 * Lints a Prometheus rule file's groups, ours or anyone's: what Prometheus would refuse to load (shape, names,
 * durations, templates, expression types) is an error; the conventions of a good alert (severity, summary,
 * description, runbook, naming) are errors for our output and warnings for foreign files. The checks live in
 * rules/ by concern: shape (what Prometheus loads), expressions (PromQL and templates), conventions.
 */
import type { Finding } from './finding.js';
import { push, type Context, type RuleCheckOptions } from './rules/context.js';
import { duplicateRules, ruleConventions, undefinedRecords } from './rules/conventions.js';
import { checkExpression, checkTemplates } from './rules/expressions.js';
import { alertLabels } from './rules/labels.js';
import { readGroups } from './rules/shape.js';

export type { RuleCheckOptions } from './rules/context.js';

/** Never throws: whatever the input, the answer is a list of findings. */
export function checkRuleFile(groups: unknown, options: RuleCheckOptions): Finding[] {
  const context: Context = { options, findings: [] };
  try {
    const read = readGroups(groups, context);
    const rules = read.flatMap((g) => g.rules);
    const recorded = new Set(options.recordedElsewhere);
    for (const rule of rules) if (rule.kind === 'record') recorded.add(rule.name);
    duplicateRules(read, context);
    for (const rule of rules) {
      ruleConventions(rule, context);
      checkTemplates(rule, context);
      const parsed = checkExpression(rule, context);
      if (!parsed) continue;
      undefinedRecords(parsed, recorded, { ...rule.location, path: `${rule.location.path}/expr` }, context);
      alertLabels(rule, parsed, context);
    }
  } catch (error) {
    // Every input seen so far is handled; this keeps a checker bug from aborting a build.
    push(context, 'error', 'rules/internal', `the rule checker failed: ${String(error)}`, { file: options.file }, 'report this rule file');
  }
  return context.findings;
}
