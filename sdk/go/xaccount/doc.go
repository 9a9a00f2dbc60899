// Lets workloads in consumer AWS accounts call a private API Gateway REST API in a producer account through execute-api interface endpoints, and nobody else.
package xaccount
