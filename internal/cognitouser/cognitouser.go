// Package cognitouser walks a user through Cognito sign-up and sign-in the way a mobile app does, for tests and the
// demo, in the sandbox or on AWS.
package cognitouser

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// API is the part of the Cognito user-pool client used here.
type API interface {
	SignUp(ctx context.Context, in *cip.SignUpInput, opts ...func(*cip.Options)) (*cip.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *cip.ConfirmSignUpInput, opts ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error)
	AdminConfirmSignUp(ctx context.Context, in *cip.AdminConfirmSignUpInput, opts ...func(*cip.Options)) (*cip.AdminConfirmSignUpOutput, error)
	InitiateAuth(ctx context.Context, in *cip.InitiateAuthInput, opts ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
}

// SandboxConfirmationCode is the code kumo accepts in ConfirmSignUp (it sends no e-mail).
const SandboxConfirmationCode = "123456"

// Pool is a user pool and its app client.
type Pool struct {
	API      API
	PoolID   string
	ClientID string
	// Sandbox confirms sign-ups with SandboxConfirmationCode; otherwise with AdminConfirmSignUp (needs admin rights),
	// since a test cannot read the e-mailed code.
	Sandbox bool
}

// User is a signed-in user.
type User struct {
	Email   string
	Sub     string
	IDToken string
}

// SignUpAndSignIn registers email with password, confirms it and signs in with USER_PASSWORD_AUTH.
func (p Pool) SignUpAndSignIn(ctx context.Context, email, password string) (User, error) {
	out, err := p.API.SignUp(ctx, &cip.SignUpInput{
		ClientId:       aws.String(p.ClientID),
		Username:       aws.String(email),
		Password:       aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		return User{}, fmt.Errorf("sign up %s: %w", email, err)
	}
	if p.Sandbox {
		_, err = p.API.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
			ClientId: aws.String(p.ClientID), Username: aws.String(email), ConfirmationCode: aws.String(SandboxConfirmationCode),
		})
	} else {
		_, err = p.API.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(p.PoolID), Username: aws.String(email)})
	}
	if err != nil {
		return User{}, fmt.Errorf("confirm %s: %w", email, err)
	}
	auth, err := p.API.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(p.ClientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": password},
	})
	if err != nil {
		return User{}, fmt.Errorf("sign in %s: %w", email, err)
	}
	if auth.AuthenticationResult == nil || auth.AuthenticationResult.IdToken == nil {
		return User{}, errors.New("sign in " + email + ": no ID token (is ALLOW_USER_PASSWORD_AUTH enabled on the client?)")
	}
	return User{Email: email, Sub: aws.ToString(out.UserSub), IDToken: *auth.AuthenticationResult.IdToken}, nil
}
