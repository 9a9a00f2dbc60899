// The engine test's driver (tests/engine/typescript_test.go): runs
// index.ts's program as an inline program of the Node.js Automation API
// (no language host needed) against a given Pulumi CLI, one operation per
// run, and prints one JSON line: {op, changes, outputs}.
//
// Environment: XA_OP (preview, up or destroy), XA_PROGRAM (shared, the
// default: index.ts; consumer: consumer.ts), XA_STACK, XA_WORKDIR,
// XA_CLI_ROOT (the folder holding bin/pulumi), XA_CONFIG (a JSON object of
// config keys of this project to values; objects are passed as JSON),
// PULUMI_BACKEND_URL, and whatever the AWS provider processes read.
import { ConfigMap, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { consumerProgram } from "./consumer";
import { program } from "./index";

const projectName = "xaccount-typescript-example";

async function main(): Promise<void> {
    const env = (name: string): string => {
        const v = process.env[name];
        if (!v) {
            throw new Error(`${name} is not set`);
        }
        return v;
    };
    const pulumiCommand = await PulumiCommand.get({ root: env("XA_CLI_ROOT"), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: env("XA_STACK"), projectName, program: process.env.XA_PROGRAM === "consumer" ? consumerProgram : program },
        {
            workDir: env("XA_WORKDIR"),
            pulumiCommand,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env("PULUMI_BACKEND_URL") } },
        },
    );
    const config: ConfigMap = {};
    for (const [key, value] of Object.entries(JSON.parse(env("XA_CONFIG")) as Record<string, unknown>)) {
        config[`${projectName}:${key}`] = { value: typeof value === "string" ? value : JSON.stringify(value) };
    }
    // No AWS resource may fall to a default provider: every one is on a
    // provider the composition built and pinned. ("*" would disable the
    // xaccount package's default provider too, the process that serves the
    // components; with "*", pass an explicit xaccount.Provider instead.)
    config["pulumi:disable-default-providers"] = { value: JSON.stringify(["aws"]) };
    await stack.setAllConfig(config);

    const op = env("XA_OP");
    let changes: Record<string, number> | undefined;
    switch (op) {
        case "preview":
            changes = (await stack.preview({})).changeSummary;
            break;
        case "up":
            changes = (await stack.up({})).summary.resourceChanges;
            break;
        case "destroy":
            changes = (await stack.destroy({})).summary.resourceChanges;
            break;
        default:
            throw new Error(`XA_OP ${op}: expected preview, up or destroy`);
    }
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(await stack.outputs())) {
        outputs[k] = v.value;
    }
    process.stdout.write(JSON.stringify({ op, changes, outputs }) + "\n");
}

main().catch((err) => {
    process.stderr.write(String(err instanceof Error ? err.stack ?? err.message : err) + "\n");
    process.exit(1);
});
