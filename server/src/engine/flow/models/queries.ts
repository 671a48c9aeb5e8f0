import type { LibraryModel } from '../concepts';

/**
 * LDAP (python-ldap: https://www.python-ldap.org/en/latest/reference/ldap.html; ldap3), XPath (lxml:
 * https://lxml.de/xpathxslt.html), MongoDB (PyMongo: a `$where` clause runs JavaScript, and a dict taken whole from
 * a JSON body can carry query operators), XML parsing with lxml, and other deserializers (PyYAML, jsonpickle, dill).
 */

export const queries: LibraryModel = {
  name: 'LDAP, XPath, NoSQL, XML and deserializers',
  summaries: [
    { callee: 'ldap.initialize', from: [], returns: 'ldap.LDAPObject' },
    { callee: 'ldap3.Connection', from: [], returns: 'ldap3.Connection' },
    { callee: 'pymongo.MongoClient', from: [], returns: 'pymongo.MongoClient' },
    { callee: 'lxml.etree.parse', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree.fromstring', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree.XML', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.html.fromstring', from: ['*'], returns: 'lxml.etree._ElementTree' },
  ],
  sinks: [
    ...['search', 'search_s', 'search_st', 'search_ext', 'search_ext_s'].map((method) => ({
      callee: `ldap.LDAPObject.${method}`, concept: 'ldap' as const, args: [0, 2, 'base', 'filterstr'], label: `\`${method}()\` runs it as an LDAP query`,
    })),
    { callee: 'ldap3.Connection.search', concept: 'ldap', args: [0, 1, 'search_base', 'search_filter'], label: '`search()` runs it as an LDAP query' },
    { callee: 'lxml.etree.XPath', concept: 'xpath', args: [0, 'path'], label: '`XPath()` compiles it as an XPath expression' },
    { callee: 'lxml.etree.ETXPath', concept: 'xpath', args: [0, 'path'], label: '`ETXPath()` compiles it as an XPath expression' },
    { callee: 'lxml.etree._ElementTree.xpath', concept: 'xpath', args: [0, '_path'], label: '`xpath()` evaluates it as an XPath expression' },
    { callee: 'xml.etree.ElementTree.ElementTree.findall', concept: 'xpath', args: [0, 'path'], label: '`findall()` evaluates it as a path expression' },
    ...['find', 'find_one', 'find_one_and_delete', 'find_one_and_replace', 'find_one_and_update', 'delete_one', 'delete_many',
      'update_one', 'update_many', 'count_documents', 'aggregate', 'distinct'].map((method) => ({
      callee: `pymongo.collection.Collection.${method}`, concept: 'nosql' as const, args: [0, 'filter'], label: `\`${method}()\` uses it as a MongoDB query`,
    })),
    ...['fromstring', 'XML', 'parse', 'iterparse', 'XMLParser'].map((fn) => ({
      callee: `lxml.etree.${fn}`, concept: 'xml' as const, args: [0], label: `lxml's \`${fn}()\` parses it as XML`,
    })),
    ...['yaml.unsafe_load', 'yaml.full_load', 'jsonpickle.decode', 'dill.loads', 'dill.load', 'pandas.read_pickle', 'torch.load', 'joblib.load'].map((callee) => ({
      callee, concept: 'deserialization' as const, args: [0], label: `\`${callee}()\` can run code while it decodes`,
    })),
    { callee: 'yaml.load', concept: 'deserialization', args: [0, 'stream'], when: { keyword: 'Loader', matches: /\b(Unsafe|Full)?Loader\b|UnsafeLoader|FullLoader/ }, label: '`yaml.load()` can build arbitrary objects' },
  ],
  sanitizers: [
    { callee: 'ldap.filter.escape_filter_chars', concepts: ['ldap'] },
    { callee: 'ldap.dn.escape_dn_chars', concepts: ['ldap'] },
    { callee: 'ldap3.utils.conv.escape_filter_chars', concepts: ['ldap'] },
    { callee: 'bson.objectid.ObjectId', concepts: 'all' },
    { callee: 'bson.ObjectId', concepts: 'all' },
  ],
  aliases: {
    'pymongo.MongoClient.*': 'pymongo.database.Database',
    'pymongo.database.Database.*': 'pymongo.collection.Collection',
  },
};
