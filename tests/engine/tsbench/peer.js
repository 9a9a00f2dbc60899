// The TypeScript peer of the engine benchmarks (BenchmarkTypeScriptPeer):
// a Node.js Pulumi program that registers, through @pulumi/aws 6.83.4, the
// same resources as the Go program (type, name, parent, provider, inputs
// and dependencies, from the Go program's offline plan of the same stack
// file), run as an inline program of the Node.js Automation API against
// the same Pulumi CLI and simulated AWS. It is plain JavaScript, what a
// TypeScript program compiles to: no transpile time is counted, which
// favours the Node side.
//
// Environment: PEER_PLAN (the plan JSON), PEER_STACK, PEER_WORKDIR,
// PEER_OP (preview or up), PEER_CLI_ROOT (the folder holding bin/pulumi).
// Prints one JSON line: {"op", "steps": {op: count}}.
"use strict";

const fs = require("fs");
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");
const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");

const plan = JSON.parse(fs.readFileSync(process.env.PEER_PLAN, "utf8"));

// Pulumi's serialized-value signature key and the archive signature.
const sigKey = "4dabf18193072939515e22adb298388d";
const archiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";

let registered = 0;

function program() {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const made = new Map(); // urn -> resource
    // mock ID -> the urn of the resource it identifies. An attachment can
    // carry its target's ID as its own (a RestApiPolicy, a
    // VpcEndpointPolicy); the owner is the one whose inputs do not name it.
    const byMockId = new Map();
    for (const r of plan.resources) {
        if (r.id && !r.type.startsWith("pulumi:providers:") && !JSON.stringify(r.inputs).includes(r.id)) {
            byMockId.set(r.id, r.urn);
        }
    }
    const ids = [...byMockId.keys()].sort((a, b) => b.length - a.length);
    const idPattern = ids.length ? new RegExp(ids.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g") : null;

    // Each consumer VPC asks its provider for zones, as the Go program does.
    const zoneLookups = new Map(); // provider urn -> promise

    // value turns a plan input into a program input: mock IDs inside
    // strings become the real resources' IDs (an output, so the engine sees
    // the dependency), archives become archives.
    function value(v, self) {
        if (typeof v === "string") {
            if (!idPattern) return v;
            const found = v.match(idPattern);
            if (!found) return v;
            const deps = [...new Set(found)].filter((id) => byMockId.get(id) !== self);
            if (!deps.length) return v;
            return pulumi.all(deps.map((id) => get(byMockId.get(id)).id)).apply((real) => {
                let out = v;
                deps.forEach((id, i) => { out = out.split(id).join(real[i]); });
                return out;
            });
        }
        if (Array.isArray(v)) return v.map((e) => value(e, self));
        if (v && typeof v === "object") {
            if (v[sigKey] === archiveSig) {
                const assets = {};
                for (const [name, a] of Object.entries(v.assets || {})) {
                    assets[name] = new pulumi.asset.StringAsset(a.text);
                }
                return new pulumi.asset.AssetArchive(assets);
            }
            const out = {};
            for (const [k, e] of Object.entries(v)) out[k] = value(e, self);
            return out;
        }
        return v;
    }

    function resourceClass(type) {
        // aws:ec2/vpc:Vpc -> aws.ec2.Vpc
        const [, mod, cls] = type.match(/^aws:([a-zA-Z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/) || [];
        const ctor = mod && aws[mod] && aws[mod][cls];
        if (!ctor) throw new Error(`no @pulumi/aws class for ${type}`);
        return ctor;
    }

    function zonesOf(providerUrn) {
        if (!zoneLookups.has(providerUrn)) {
            const provider = get(providerUrn);
            zoneLookups.set(providerUrn, Promise.all([
                aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { provider }),
                aws.ec2.getVpcEndpointService({ serviceName: `com.amazonaws.${plan.region}.execute-api` }, { provider }),
            ]));
        }
        return zoneLookups.get(providerUrn);
    }

    function get(urn) {
        if (made.has(urn)) return made.get(urn);
        const r = byUrn.get(urn);
        if (!r) throw new Error(`the plan has no resource ${urn}`);
        const opts = {};
        if (r.parent && byUrn.has(r.parent)) opts.parent = get(r.parent);
        let res;
        if (r.type === "pulumi:providers:aws") {
            res = new aws.Provider(r.name, value(r.inputs, urn), opts);
        } else if (!r.type.startsWith("aws:")) {
            res = new pulumi.ComponentResource(r.type, r.name, {}, opts);
        } else {
            if (r.provider) opts.provider = get(r.provider);
            const deps = (r.dependencies || []).filter((d) => byUrn.has(d) && d !== r.parent);
            if (deps.length) opts.dependsOn = deps.map(get);
            const inputs = value(r.inputs, urn);
            if (r.type === "aws:ec2/subnet:Subnet") {
                const az = inputs.availabilityZone;
                inputs.availabilityZone = pulumi.output(zonesOf(r.provider)).apply(() => az);
            }
            const Ctor = resourceClass(r.type);
            res = new Ctor(r.name, inputs, opts);
        }
        made.set(urn, res);
        return res;
    }

    for (const r of plan.resources) {
        if (r.type !== "pulumi:pulumi:Stack") get(r.urn);
    }
    registered = made.size;
    return {};
}

async function main() {
    const pulumiCommand = await PulumiCommand.get({ root: process.env.PEER_CLI_ROOT, skipVersionCheck: true });
    const projectName = "xaccount-api-ts";
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: process.env.PEER_STACK, projectName, program },
        {
            workDir: process.env.PEER_WORKDIR,
            pulumiCommand,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: process.env.PULUMI_BACKEND_URL } },
        },
    );
    let steps;
    if (process.env.PEER_OP === "up") {
        const r = await stack.up({});
        steps = r.summary.resourceChanges;
    } else {
        const r = await stack.preview({});
        steps = r.changeSummary;
    }
    process.stdout.write(JSON.stringify({ op: process.env.PEER_OP, registered, steps }) + "\n");
}

main().catch((err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
    process.exit(1);
});
