import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG401',
    name: 'hardcoded-secret',
    title: 'Hard-coded password or secret',
    cwe: [798, 259],
    severity: 'medium',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B105', 'B106', 'B107'],
    ruff: ['S105', 'S106', 'S107'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/798.html'],
    },
  },
  create() {
    return {};
  },
});
