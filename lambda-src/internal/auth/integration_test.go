package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
)

// TestIntegrationCognitoTokenAgainstSandbox signs a user up in the sandbox's
// Cognito, logs in with USER_PASSWORD_AUTH and verifies the ID token with a
// Verifier configured exactly as the todos Lambda is in the sandbox (issuer
// from USER_POOL_ID and the function's environment, which carries
// AWS_ENDPOINT_URL = the sandbox endpoint).
func TestIntegrationCognitoTokenAgainstSandbox(t *testing.T) {
	sb := sandboxtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idp := cip.NewFromConfig(cfg)

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("refarch-auth-it")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID),
		ClientName: aws.String("web"),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{
			ciptypes.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			ciptypes.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)

	const username, password = "alice@example.com", "Correct-Horse-9!"
	signUp, err := idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID),
		Username: aws.String(username),
		Password: aws.String(password),
		UserAttributes: []ciptypes.AttributeType{
			{Name: aws.String("email"), Value: aws.String(username)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId:         aws.String(clientID),
		Username:         aws.String(username),
		ConfirmationCode: aws.String("123456"),
	}); err != nil {
		t.Fatal(err)
	}
	login, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(clientID),
		AuthFlow:       ciptypes.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	if err != nil {
		t.Fatal(err)
	}
	if login.AuthenticationResult == nil || aws.ToString(login.AuthenticationResult.IdToken) == "" {
		t.Fatalf("InitiateAuth returned no ID token: %+v", login)
	}
	idToken := aws.ToString(login.AuthenticationResult.IdToken)
	accessToken := aws.ToString(login.AuthenticationResult.AccessToken)

	// The Lambda's view: its environment is the sandbox's plus USER_POOL_*.
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	issuer, err := auth.IssuerURL(poolID, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := sb.Endpoint + "/" + poolID; issuer != want {
		t.Fatalf("issuer = %q, want %q", issuer, want)
	}
	v, err := auth.NewVerifier(ctx, auth.VerifierConfig{Issuer: issuer, ClientID: clientID})
	if err != nil {
		t.Fatal(err)
	}

	id, err := v.Verify(ctx, idToken)
	if err != nil {
		t.Fatalf("Verify(kumo ID token): %v", err)
	}
	if want := aws.ToString(signUp.UserSub); id.Subject != want || want == "" {
		// kumo fills UserSub in SignUp's response; the token's sub must be the same user.
		t.Errorf("sub = %q, SignUp's UserSub = %q", id.Subject, want)
	}
	user, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range user.UserAttributes {
		if aws.ToString(a.Name) == "sub" && aws.ToString(a.Value) != id.Subject {
			t.Errorf("sub = %q, AdminGetUser's sub attribute = %q", id.Subject, aws.ToString(a.Value))
		}
	}

	// Through the Authenticator, as the handler uses it.
	a := &auth.Authenticator{Verifier: v}
	got, err := a.Authenticate(ctx, bearerRequest(idToken))
	if err != nil || got.Subject != id.Subject {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}

	// Tampered: another claim set spliced onto kumo's signature.
	parts := strings.Split(idToken, ".")
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(idToken, &claims); err != nil {
		t.Fatal(err)
	}
	claims["sub"] = "someone-else"
	forged, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SigningString()
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Split(forged, ".")[1]
	for name, tok := range map[string]string{
		"tampered payload":     parts[0] + "." + tampered + "." + parts[2],
		"truncated signature":  idToken[:len(idToken)-4],
		"access token, not ID": accessToken,
	} {
		if _, err := v.Verify(ctx, tok); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("%s: err = %v, want ErrInvalidToken", name, err)
		}
	}

	// A verifier for another app client of the same pool refuses the token (aud).
	other, err := auth.NewVerifier(ctx, auth.VerifierConfig{Issuer: issuer, ClientID: "another-client"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(ctx, idToken); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("wrong audience: err = %v", err)
	}
	sandboxtest.Alive(t, sb)
}

func bearerRequest(token string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{Headers: map[string]string{"Authorization": "Bearer " + token}}
}
