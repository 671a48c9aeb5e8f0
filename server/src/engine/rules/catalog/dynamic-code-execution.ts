import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG103',
    name: 'dynamic-code-execution',
    title: 'eval or exec of non-literal input',
    cwe: [95, 94],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B307', 'B102'],
    ruff: ['S307', 'S102'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/95.html'],
    },
  },
  create() {
    return {};
  },
});
