import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadPythonParser } from '../host/grammar';
import { startServer } from './server';

// Transport comes from the command line: --stdio, --node-ipc or --socket=PORT.
const connection = createConnection(ProposedFeatures.all);

// A bug must cost one request, never the server: log what escaped every guard and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`vigil: uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`vigil: unhandled rejection: ${String(reason)}`));

startServer(connection, loadPythonParser);
