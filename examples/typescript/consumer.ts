// One consumer account's part in a stack of its own (the split topology's
// consumer stack), with a single-account component: ConsumerApiAccess takes
// the account's AWS provider the ordinary way, in the providers option, and
// every child inherits it. Before the producer's stack publishes its API
// (no `api` input) it creates the VPC and the endpoint only.
//
// Stack config: region, producerAccountId, consumer {name, accountId,
// profile, vpc {cidr, azCount}}, and optionally providerAccountId (the
// account the provider is pinned to, default consumer.accountId). The
// component checks the provider it is given itself, asking AWS through it
// which account it reaches (sts:GetCallerIdentity): one that reaches
// another account than consumer.accountId is refused before anything is
// created.
import * as pulumi from "@pulumi/pulumi";
import * as xaccount from "@xaccount/xaccount";

/** The consumer account, its shared-config profile and its VPC. */
interface Consumer {
    name: string;
    accountId: string;
    profile: string;
    vpc: { cidr: string; azCount?: number };
}

/** AwsProvider is an AWS provider without @pulumi/aws (aws.Provider is the same resource). */
class AwsProvider extends pulumi.ProviderResource {
    constructor(name: string, props: pulumi.Inputs) {
        super("aws", name, props);
    }
}

/** consumerProgram declares the consumer's resources and returns its outputs. */
export async function consumerProgram() {
    const config = new pulumi.Config();
    const region = config.require("region");
    const consumer = config.requireObject<Consumer>("consumer");
    // The account's AWS provider, pinned to it.
    const provider = new AwsProvider("consumer", {
        region,
        profile: consumer.profile,
        allowedAccountIds: [config.get("providerAccountId") ?? consumer.accountId],
    });
    const access = new xaccount.ConsumerApiAccess("xaccount-api", {
        region,
        producerAccountId: config.require("producerAccountId"),
        consumer: {
            name: consumer.name,
            accountId: consumer.accountId,
            vpc: { cidr: consumer.vpc.cidr, azCount: consumer.vpc.azCount },
        },
    }, { providers: [provider] });
    return { endpointId: access.endpointId, publicDnsName: access.publicDnsName };
}
