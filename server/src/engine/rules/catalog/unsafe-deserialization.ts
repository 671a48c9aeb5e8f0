import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG201',
    name: 'unsafe-deserialization',
    title: 'Deserialization of untrusted data',
    cwe: [502],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B301', 'B302'],
    ruff: ['S301', 'S302'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/502.html'],
    },
  },
  create() {
    return {};
  },
});
