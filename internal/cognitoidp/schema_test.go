package cognitoidp_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestAddCustomAttributes(t *testing.T) {
	e := newAuEnv(t)
	pool := e.pool(t, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString},
		{Name: aws.String("secret"), AttributeDataType: types.AttributeDataTypeString, DeveloperOnlyAttribute: aws.Bool(true)},
	}})
	e.user(t, pool, "kim", types.AttributeType{Name: aws.String("custom:tier"), Value: aws.String("gold")})

	add := func(attrs ...types.SchemaAttributeType) error {
		_, err := e.signed.AddCustomAttributes(bg, &cip.AddCustomAttributesInput{UserPoolId: &pool, CustomAttributes: attrs})
		return err
	}
	if err := add(types.SchemaAttributeType{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber,
		NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("0"), MaxValue: aws.String("100")}}); err != nil {
		t.Fatalf("AddCustomAttributes: %v", err)
	}
	desc, err := e.signed.DescribeUserPool(bg, &cip.DescribeUserPoolInput{UserPoolId: &pool})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range desc.UserPool.SchemaAttributes {
		if *a.Name == "custom:score" {
			found = a.AttributeDataType == types.AttributeDataTypeNumber && *a.NumberAttributeConstraints.MaxValue == "100"
		}
	}
	if !found {
		t.Fatal("custom:score is not in the schema as added")
	}
	// The existing user keeps its value and may now hold the new attribute.
	if _, err := e.signed.AdminUpdateUserAttributes(bg, &cip.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: aws.String("kim"),
		UserAttributes: []types.AttributeType{{Name: aws.String("custom:score"), Value: aws.String("42")}}}); err != nil {
		t.Fatalf("setting the new attribute: %v", err)
	}
	u, err := e.signed.AdminGetUser(bg, &cip.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("kim")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range u.UserAttributes {
		got[*a.Name] = *a.Value
	}
	if got["custom:tier"] != "gold" || got["custom:score"] != "42" {
		t.Fatalf("user attributes after AddCustomAttributes: %v", got)
	}

	str := func(name string) types.SchemaAttributeType {
		return types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeString}
	}
	wantErr(t, add(str("tier")), "InvalidParameterException", "custom:tier: Existing attribute already has name custom:tier.")
	wantErr(t, add(str("secret")), "InvalidParameterException", "custom:secret: Existing attribute already has name dev:custom:secret.")
	wantErr(t, add(str("a1"), str("a1")), "InvalidParameterException", "custom:a1: Existing attribute already has name custom:a1.")
	wantErr(t, add(types.SchemaAttributeType{Name: aws.String("req"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}),
		"InvalidParameterException", "Required custom attributes are not supported currently.")
	wantErr(t, add(str("this-name-is-too-long-for-cognito")), "InvalidParameterException", "")

	// 3 custom attributes so far; 47 more reach the limit of 50, one more passes it.
	var batch []types.SchemaAttributeType
	for i := range 47 {
		batch = append(batch, str(fmt.Sprintf("c%02d", i)))
		if len(batch) == 25 || i == 46 {
			if err := add(batch...); err != nil {
				t.Fatalf("adding up to 50 custom attributes: %v", err)
			}
			batch = nil
		}
	}
	wantErr(t, add(str("one-too-many")), "InvalidParameterException", "The user pool has reached the limit of 50 custom attributes.")

	_, err = e.signed.AddCustomAttributes(bg, &cip.AddCustomAttributesInput{UserPoolId: aws.String("us-east-1_nope12345"), CustomAttributes: []types.SchemaAttributeType{str("x")}})
	wantErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nope12345 does not exist.")
}
