import type { LibraryModel } from '../concepts';

/**
 * LDAP (python-ldap: https://www.python-ldap.org/en/latest/reference/ldap.html; ldap3), XPath (lxml:
 * https://lxml.de/xpathxslt.html), MongoDB (PyMongo: a `$where` clause runs JavaScript, and a dict taken whole from
 * a JSON body can carry query operators) and XML parsing with lxml. Deserializers: `serialization.ts`.
 */

export const queries: LibraryModel = {
  name: 'LDAP, XPath, NoSQL and XML',
  summaries: [
    { callee: 'ldap.initialize', from: [], returns: 'ldap.LDAPObject' },
    { callee: 'ldap3.Connection', from: [], returns: 'ldap3.Connection' },
    { callee: 'pymongo.MongoClient', from: [], returns: 'pymongo.MongoClient' },
    { callee: 'lxml.etree.parse', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree.fromstring', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree.XML', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.html.fromstring', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree.HTML', from: ['*'], returns: 'lxml.etree._ElementTree' },
    { callee: 'lxml.etree._ElementTree.getroot', from: ['receiver'], returns: 'lxml.etree._ElementTree' },
    // The standard library's ElementTree: `ET.parse(f).getroot().findall(path)`.
    { callee: 'xml.etree.ElementTree.parse', from: ['*'], returns: 'xml.etree.ElementTree.ElementTree' },
    { callee: 'xml.etree.ElementTree.fromstring', from: ['*'], returns: 'xml.etree.ElementTree.Element' },
    { callee: 'xml.etree.ElementTree.XML', from: ['*'], returns: 'xml.etree.ElementTree.Element' },
    { callee: 'xml.etree.ElementTree.ElementTree.getroot', from: ['receiver'], returns: 'xml.etree.ElementTree.Element' },
  ],
  sinks: [
    ...['search', 'search_s', 'search_st', 'search_ext', 'search_ext_s'].map((method) => ({
      callee: `ldap.LDAPObject.${method}`, concept: 'ldap' as const, args: [0, 2, 'base', 'filterstr'], label: `\`${method}()\` runs it as an LDAP query`,
    })),
    // python-ldap's own method names, for a connection whose type is not visible (a parameter, `self.conn`).
    ...['search_s', 'search_st', 'search_ext', 'search_ext_s'].map((method) => ({
      method, concept: 'ldap' as const, args: [0, 2, 'base', 'filterstr'], label: `\`${method}()\` runs it as an LDAP query`,
    })),
    { callee: 'ldap3.Connection.search', concept: 'ldap', args: [0, 1, 'search_base', 'search_filter'], label: '`search()` runs it as an LDAP query' },
    { callee: 'lxml.etree.XPath', concept: 'xpath', args: [0, 'path'], label: '`XPath()` compiles it as an XPath expression' },
    { callee: 'lxml.etree.ETXPath', concept: 'xpath', args: [0, 'path'], label: '`ETXPath()` compiles it as an XPath expression' },
    { callee: 'lxml.etree._ElementTree.xpath', concept: 'xpath', args: [0, '_path'], label: '`xpath()` evaluates it as an XPath expression' },
    // lxml's `.xpath()` on an element whose type is not visible (a parameter, `self.tree`), and parsel/Scrapy selectors.
    { method: 'xpath', concept: 'xpath', args: [0, '_path', 'query'], label: '`xpath()` evaluates it as an XPath expression' },
    ...['xml.etree.ElementTree.ElementTree', 'xml.etree.ElementTree.Element'].flatMap((type) => ['find', 'findall', 'iterfind', 'findtext'].map((method) => ({
      callee: `${type}.${method}`, concept: 'xpath' as const, args: [0, 'path'], label: `\`${method}()\` evaluates it as a path expression`,
    }))),
    ...['find', 'find_one', 'find_one_and_delete', 'find_one_and_replace', 'find_one_and_update', 'delete_one', 'delete_many',
      'update_one', 'update_many', 'count_documents', 'aggregate', 'distinct'].map((method) => ({
      callee: `pymongo.collection.Collection.${method}`, concept: 'nosql' as const, args: [0, 'filter'], label: `\`${method}()\` uses it as a MongoDB query`,
    })),
    // PyMongo's (and Motor's) own method names, for a collection whose type is not visible (`self.orders`, a
    // parameter). Only names no common library shares: not `find`, `aggregate` or `delete_many` (Django's cache).
    ...['find_one', 'find_one_and_delete', 'find_one_and_replace', 'find_one_and_update', 'count_documents'].map((method) => ({
      method, concept: 'nosql' as const, args: [0, 'filter'], label: `\`${method}()\` uses it as a MongoDB query`,
    })),
    ...['fromstring', 'XML', 'parse', 'iterparse', 'XMLParser'].map((fn) => ({
      callee: `lxml.etree.${fn}`, concept: 'xml' as const, args: [0], label: `lxml's \`${fn}()\` parses it as XML`,
    })),
  ],
  sanitizers: [
    { callee: 'ldap.filter.escape_filter_chars', concepts: ['ldap'] },
    // `filter_format("(uid=%s)", [name])` escapes each value it fills in.
    { callee: 'ldap.filter.filter_format', concepts: ['ldap'] },
    { callee: 'ldap.dn.escape_dn_chars', concepts: ['ldap'] },
    { callee: 'ldap3.utils.conv.escape_filter_chars', concepts: ['ldap'] },
    // A string cannot carry query operators (`$where` JavaScript built from one still can: a known gap).
    { callee: 'str', concepts: ['nosql'] },
    { callee: 'bson.objectid.ObjectId', concepts: 'all' },
    { callee: 'bson.ObjectId', concepts: 'all' },
  ],
  aliases: {
    'ldap.ldapobject.LDAPObject': 'ldap.LDAPObject',
    'ldap.ldapobject.SimpleLDAPObject': 'ldap.LDAPObject',
    'ldap.ldapobject.ReconnectLDAPObject': 'ldap.LDAPObject',
    'pymongo.mongo_client.MongoClient': 'pymongo.MongoClient',
    // Motor mirrors PyMongo's API with coroutines; Flask-PyMongo's `mongo.db` is a PyMongo database.
    'motor.motor_asyncio.AsyncIOMotorClient': 'pymongo.MongoClient',
    'motor.motor_tornado.MotorClient': 'pymongo.MongoClient',
    'flask_pymongo.PyMongo.db': 'pymongo.database.Database',
    'pymongo.MongoClient.*': 'pymongo.database.Database',
    'pymongo.database.Database.*': 'pymongo.collection.Collection',
  },
};
