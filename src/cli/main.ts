#!/usr/bin/env node
// The sessionsentry command (filled by the CLI work).
console.log('sessionsentry');
