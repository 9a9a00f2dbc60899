"""The dev topology in Python: workloads in each consumer account call a
private REST API in the producer account through an execute-api endpoint of
their own, and nobody else. The composition builds each account's AWS
provider itself from the credentials it is given, pinned to that account.

Stack config (Pulumi.<stack>.yaml, under this project's name): region,
producer {accountId, profile}, consumers [{name, accountId, profile,
vpc {cidr, azCount}, probe}], and optionally api {name, description}.
"""
import pulumi
import pulumi_xaccount as xaccount

config = pulumi.Config()
producer = config.require_object("producer")
api = config.get_object("api") or {}

shared = xaccount.CrossAccountPrivateApi(
    "xaccount-api",
    region=config.require("region"),
    producer_account_id=producer["accountId"],
    producer_credentials=xaccount.AccountCredentialsArgs(profile=producer["profile"]),
    consumers=[
        xaccount.ConsumerArgs(
            name=c["name"],
            account_id=c["accountId"],
            credentials=xaccount.AccountCredentialsArgs(profile=c["profile"]),
            vpc=xaccount.ConsumerVpcArgs(cidr=c["vpc"]["cidr"], az_count=c["vpc"].get("azCount")),
            probe=c.get("probe", False),
        )
        for c in config.require_object("consumers")
    ],
    api_name=api.get("name"),
    api_description=api.get("description"),
    stage_name=config.get("stageName") or "dev",
    # The producer account has API Gateway's CloudWatch Logs role already.
    access_logs=xaccount.AccessLogsArgs(create_account_role=False),
    # The permissions boundary `go run ./cmd/plan --iam` prints for the
    # stack: its deployer creates roles (the probe's) only with it.
    role_permissions_boundary=f"xaccount-{pulumi.get_stack()}-role-boundary",
)

pulumi.export("restApiId", shared.rest_api_id)
pulumi.export("policyJson", shared.policy_json)
pulumi.export("endpointIds", shared.endpoint_ids)
pulumi.export("invokeUrls", shared.invoke_urls)
