import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG602',
    name: 'swallowed-exception',
    title: 'Broad exception silently swallowed',
    cwe: [703, 390],
    severity: 'low',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B110', 'B112'],
    ruff: ['S110', 'S112'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/703.html'],
    },
  },
  create() {
    return {};
  },
});
