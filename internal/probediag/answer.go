package probediag

import (
	"encoding/json"
	"fmt"
)

// The invoke forms and the integration the rules name; package components
// exports the same values (InvokeCustomDomain, InvokeRoute53Alias,
// IntegrationMock), and its tests check they agree.
const (
	formCustomDomain = "customDomain"
	formRoute53Alias = "route53Alias"
	integrationMock  = "mock"
)

// ParseGatewayAnswer reads the response type and request ID of API
// Gateway's own JSON answer (the body of the DEFAULT_4XX and DEFAULT_5XX
// gateway responses package components sets); "", "" for any other
// body. The probe's Lambda does the same (probe.py, gateway_answer).
func ParseGatewayAnswer(body string) (responseType, requestId string) {
	var doc map[string]any
	if json.Unmarshal([]byte(body), &doc) != nil {
		return "", ""
	}
	typ, ok := doc["errorType"].(string)
	if _, hasId := doc["requestId"]; !ok || !hasId {
		return "", ""
	}
	id, _ := doc["requestId"].(string)
	return typ, id
}

// ParseResult reads the probe function's answer into one result per form.
func ParseResult(result string) (map[string]any, error) {
	var out struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal([]byte(result), &out); err != nil {
		return nil, fmt.Errorf("probe result is not the probe's JSON: %w", err)
	}
	forms := map[string]any{}
	for _, r := range out.Results {
		form, _ := r["form"].(string)
		forms[form] = r
	}
	return forms, nil
}

// RerunCommand is the command that runs a probe again: replacing its
// aws:lambda/invocation:Invocation (invocationUrn) invokes the function,
// which an Invocation does on create only (terraform-provider-aws
// internal/service/lambda/invocation.go, lifecycle_scope CREATE_ONLY). The
// URN holds "$", hence the single quotes.
func RerunCommand(invocationUrn string) string {
	return "pulumi up --replace '" + invocationUrn + "'"
}
