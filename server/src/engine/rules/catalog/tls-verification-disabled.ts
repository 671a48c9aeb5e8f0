import { defineRule } from '../rule';

// SKELETON: to be written (logic, docs, fixture). Not registered as done until its fixture passes.
export default defineRule({
  meta: {
    id: 'VG301',
    name: 'tls-verification-disabled',
    title: 'TLS certificate verification disabled',
    cwe: [295],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B501'],
    ruff: ['S501'],
    fixable: false,
    docs: {
      whatItDoes: 'TODO',
      whyIsThisBad: 'TODO',
      example: 'TODO',
      useInstead: 'TODO',
      references: ['https://cwe.mitre.org/data/definitions/295.html'],
    },
  },
  create() {
    return {};
  },
});
