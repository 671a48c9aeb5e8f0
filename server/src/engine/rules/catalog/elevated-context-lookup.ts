import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG501',
    name: 'elevated-context-lookup',
    title: 'Object fetched with an elevated context by a caller-supplied ID',
    cwe: [639],
    severity: 'info',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/639.html'],
    },
  },
  create() {
    return {};
  },
});
