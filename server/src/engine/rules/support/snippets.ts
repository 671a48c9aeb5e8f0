/** Code quoted in messages lives with the syntax layer, so the flow layer can use it too. */
export * from '../../syntax/snippets';
