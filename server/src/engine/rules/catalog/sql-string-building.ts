import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG101',
    name: 'sql-string-building',
    title: 'SQL query built from strings',
    cwe: [89],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B608', 'B610', 'B611'],
    ruff: ['S608', 'S610', 'S611'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/89.html'],
    },
  },
  create() {
    return {};
  },
});
