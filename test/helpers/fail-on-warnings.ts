// Fails the run on any unhandled rejection or process warning, so sloppy async code cannot hide in a green suite.

process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`Unhandled rejection: ${String(reason)}`);
});
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning') return;
  throw warning;
});
