package cognitouser

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

type fakeIDP struct {
	calls   []string
	idToken *string
}

func (f *fakeIDP) SignUp(_ context.Context, in *cip.SignUpInput, _ ...func(*cip.Options)) (*cip.SignUpOutput, error) {
	f.calls = append(f.calls, "SignUp:"+aws.ToString(in.Username))
	return &cip.SignUpOutput{UserSub: aws.String("sub-1")}, nil
}

func (f *fakeIDP) ConfirmSignUp(_ context.Context, in *cip.ConfirmSignUpInput, _ ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error) {
	f.calls = append(f.calls, "ConfirmSignUp:"+aws.ToString(in.ConfirmationCode))
	return &cip.ConfirmSignUpOutput{}, nil
}

func (f *fakeIDP) AdminConfirmSignUp(_ context.Context, in *cip.AdminConfirmSignUpInput, _ ...func(*cip.Options)) (*cip.AdminConfirmSignUpOutput, error) {
	f.calls = append(f.calls, "AdminConfirmSignUp:"+aws.ToString(in.UserPoolId))
	return &cip.AdminConfirmSignUpOutput{}, nil
}

func (f *fakeIDP) InitiateAuth(_ context.Context, in *cip.InitiateAuthInput, _ ...func(*cip.Options)) (*cip.InitiateAuthOutput, error) {
	f.calls = append(f.calls, "InitiateAuth:"+string(in.AuthFlow))
	if f.idToken == nil {
		return &cip.InitiateAuthOutput{}, nil
	}
	return &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{IdToken: f.idToken}}, nil
}

func TestSignUpAndSignIn(t *testing.T) {
	for _, tc := range []struct {
		sandbox bool
		confirm string
	}{{true, "ConfirmSignUp:123456"}, {false, "AdminConfirmSignUp:pool"}} {
		f := &fakeIDP{idToken: aws.String("jwt")}
		u, err := Pool{API: f, PoolID: "pool", ClientID: "client", Sandbox: tc.sandbox}.SignUpAndSignIn(context.Background(), "a@example.com", "pw")
		if err != nil {
			t.Fatal(err)
		}
		want := "SignUp:a@example.com " + tc.confirm + " InitiateAuth:USER_PASSWORD_AUTH"
		if got := strings.Join(f.calls, " "); got != want || u.Sub != "sub-1" || u.IDToken != "jwt" {
			t.Fatalf("sandbox=%v: calls %q user %+v, want %q", tc.sandbox, got, u, want)
		}
	}
}

func TestSignInWithoutTokenIsAnError(t *testing.T) {
	_, err := Pool{API: &fakeIDP{}, ClientID: "c", Sandbox: true}.SignUpAndSignIn(context.Background(), "a@example.com", "pw")
	if err == nil || !strings.Contains(err.Error(), "ALLOW_USER_PASSWORD_AUTH") {
		t.Fatalf("got %v", err)
	}
	if errors.Unwrap(err) != nil {
		t.Fatalf("unexpected wrapped error %v", err)
	}
}
