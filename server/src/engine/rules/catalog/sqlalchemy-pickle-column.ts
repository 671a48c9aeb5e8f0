import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

const PICKLE_TYPES: ReadonlySet<string> = new Set([
  'sqlalchemy.PickleType',
  'sqlalchemy.types.PickleType',
  'sqlalchemy.sql.sqltypes.PickleType',
]);
/** Picklers that run code when they load: `pickler=` set to one of these is still pickle. */
const CODE_RUNNING_PICKLERS = /^(?:pickle|cPickle|_pickle|dill|cloudpickle)$/;

export default defineRule({
  meta: {
    id: 'VG206',
    name: 'sqlalchemy-pickle-column',
    title: 'Database column stored with pickle',
    cwe: [502],
    severity: 'low',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags SQLAlchemy `PickleType` columns (`Column(PickleType)`, `mapped_column(PickleType())`, `sa.PickleType`), whose values are pickled when written and unpickled every time a row is loaded, unless `pickler=` names a serializer that cannot run code (`json`).',
      whyIsThisBad:
        'Unpickling runs code chosen by whoever wrote the bytes. With a `PickleType` column, anyone who can write to that column — through an SQL injection anywhere in the application, a shared or restored database, another service with write access, a compromised backup — gets code execution in every process that reads the row. A JSON column keeps the same convenience without that risk.',
      example:
        'from sqlalchemy import Column, Integer, PickleType\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass Job(Base):\n    __tablename__ = "jobs"\n    id = Column(Integer, primary_key=True)\n    options = Column(PickleType)',
      useInstead:
        'from sqlalchemy import JSON, Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass Job(Base):\n    __tablename__ = "jobs"\n    id = Column(Integer, primary_key=True)\n    options = Column(JSON)',
      references: [
        'https://cwe.mitre.org/data/definitions/502.html',
        'https://docs.sqlalchemy.org/en/20/core/type_basics.html#sqlalchemy.types.PickleType',
        'https://docs.sqlalchemy.org/en/20/core/type_basics.html#sqlalchemy.types.JSON',
        'https://docs.python.org/3/library/pickle.html',
      ],
      knownProblems:
        'Reported with low severity: exploiting it needs write access to the database first. `PickleType(pickler=json)` (any pickler other than `pickle`, `dill` or `cloudpickle`) is not reported. Subclasses of `PickleType` are reported where they are defined, not where they are used. Django\'s `PickledObjectField` (django-picklefield) and other ORMs are not covered. Neither Bandit nor Ruff has this check.',
    },
  },
  create(context) {
    const { model } = context;
    // Only a module that imports SQLAlchemy (anywhere in it) can name its PickleType: others are not looked at, so
    // the rule does not resolve every identifier of every file.
    if (!model.importedNames(true).some((name) => name === 'sqlalchemy' || name.startsWith('sqlalchemy.'))) return {};
    const reported = new Set<SyntaxNode>();

    const check = (node: SyntaxNode): void => {
      if (node.ancestor('import_statement', 'import_from_statement')) return;
      // `sa.PickleType`: judge the attribute, not the `sa` inside it; `PickleType.impl`: not a column type.
      if (node.parent?.type === 'attribute' && node.parent.child('object') === node) return;
      // The `PickleType` of `sa.PickleType` is the attribute's name, judged with it; so is a keyword's name.
      if (node.type === 'identifier' && node.parent?.type === 'attribute' && node.parent.child('attribute') === node) return;
      if (node.type === 'identifier' && node.parent?.type === 'keyword_argument' && node.parent.child('name') === node) return;
      const name = model.qualifiedName(node);
      if (!name || !PICKLE_TYPES.has(name)) return;
      let at = node;
      const call = node.parent?.type === 'call' && node.parent.child('function') === node ? node.parent : null;
      if (call) {
        const pickler = callArguments(call).keywords.get('pickler');
        if (pickler) {
          const pickled = model.qualifiedName(unparenthesize(pickler));
          if (pickled === null || !CODE_RUNNING_PICKLERS.test(pickled)) return;
        }
        at = call;
      }
      if (reported.has(at)) return;
      reported.add(at);
      context.report({
        at,
        message: `\`${codeSnippet(at)}\` stores values with pickle and unpickles them on every load: whoever can write this column (an SQL injection elsewhere, another service, a restored backup) can run code in the application; use a \`JSON\` column`,
      });
    };

    return {
      identifier: check,
      attribute: check,
    };
  },
});
