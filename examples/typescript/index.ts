// A TypeScript stack with the xaccount components: workloads in each
// consumer account call a private REST API in the producer account through
// an execute-api endpoint of their own, and nobody else. The two-account
// composition builds each account's AWS provider itself from the
// credentials it is given (a provider cannot cross into the component
// package), pinned to that account.
//
// Stack config (Pulumi.<stack>.yaml, under this project's name):
//   region:    eu-west-1
//   producer:  {accountId: "111111111111", profile: my-producer}
//   consumers: [{name: app, accountId: "222222222222", profile: my-app,
//                vpc: {cidr: 10.20.0.0/24, azCount: 2}, probe: true}]
//   api:       {name: my-api, description: ..., routes: [...]}   (optional)
//   stageName: dev                                                (optional)
//   tags:      {team: payments}                                   (optional)
//   rolePermissionsBoundary: xaccount-dev-role-boundary           (optional; default
//              xaccount-<stack>-role-boundary, the one --iam prints for the stack)
import * as pulumi from "@pulumi/pulumi";
import * as xaccount from "@xaccount/xaccount";

/** One account's ID and the shared-config profile that reaches it. */
interface Account {
    accountId: string;
    profile: string;
}

/** A consumer account and the VPC its endpoint is created in. */
interface Consumer extends Account {
    name: string;
    vpc: { cidr: string; azCount?: number };
    probe?: boolean;
}

/** The API's name, description and routes. */
interface Api {
    name?: string;
    description?: string;
    routes?: xaccount.types.input.RouteArgs[];
}

/** program declares the stack's resources and returns its outputs. */
export async function program() {
    const config = new pulumi.Config();
    const region = config.require("region");
    const producer = config.requireObject<Account>("producer");
    const consumers = config.requireObject<Consumer[]>("consumers");
    const api = config.getObject<Api>("api") ?? {};

    const shared = new xaccount.CrossAccountPrivateApi("xaccount-api", {
        region,
        producerAccountId: producer.accountId,
        producerCredentials: { profile: producer.profile },
        consumers: consumers.map((c) => ({
            name: c.name,
            accountId: c.accountId,
            credentials: { profile: c.profile },
            vpc: { cidr: c.vpc.cidr, azCount: c.vpc.azCount },
            probe: c.probe,
        })),
        apiName: api.name,
        apiDescription: api.description,
        routes: api.routes,
        stageName: config.get("stageName") ?? "dev",
        // The producer account has API Gateway's CloudWatch Logs role already.
        accessLogs: { createAccountRole: false },
        tags: config.getObject<Record<string, string>>("tags"),
        // The permissions boundary `go run ./cmd/plan --iam` prints for the
        // stack: its deployer creates roles (the probe's) only with it.
        rolePermissionsBoundary: config.get("rolePermissionsBoundary") ?? `xaccount-${pulumi.getStack()}-role-boundary`,
    });

    return {
        restApiId: shared.restApiId,
        executionArn: shared.executionArn,
        stageName: shared.stageName,
        policyJson: shared.policyJson,
        endpointIds: shared.endpointIds,
        invokeUrls: shared.invokeUrls,
    };
}
