import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG402',
    name: 'secret-in-log',
    title: 'Secret written to a log',
    cwe: [532],
    severity: 'medium',
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
      references: ['https://cwe.mitre.org/data/definitions/532.html'],
    },
  },
  create() {
    return {};
  },
});
