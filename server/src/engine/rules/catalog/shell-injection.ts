import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG102',
    name: 'shell-injection',
    title: 'Shell command built from data',
    cwe: [78],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B602', 'B605', 'B604', 'B609'],
    ruff: ['S602', 'S605', 'S604', 'S609'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/78.html'],
    },
  },
  create() {
    return {};
  },
});
