package refarch

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
)

// The rules below are the modules' validation blocks in Go, with the same messages (a test checks every message
// against the embedded variables.tf files), so a bad configuration fails before any process starts.

var (
	nameRule   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	regionRule = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`)
	emailRule  = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
	topicRule  = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$`)
)

const (
	msgName            = "name must be 1-40 lowercase letters, digits or '-', starting with a letter."
	msgTableEncryption = "table_encryption must be \"AWS_MANAGED\" or \"AWS_OWNED\"."
	msgPriceClass      = "cdn.price_class must be \"PriceClass_All\", \"PriceClass_200\" or \"PriceClass_100\"."
)

type checks []error

func (c *checks) add(ok bool, format string, args ...any) {
	if !ok {
		*c = append(*c, fmt.Errorf(format, args...))
	}
}

func (c checks) err() error {
	if len(c) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(c...))
}

func checkName(c *checks, name string) {
	c.add(nameRule.MatchString(name), "%s", msgName)
}

func checkTableEncryption(c *checks, v string) {
	c.add(v == "" || v == "AWS_MANAGED" || v == "AWS_OWNED", "%s", msgTableEncryption)
}

// checkTokenValidity: the examples pass one lifetime as both the ID and the access token's (cognito-auth's rules).
func checkTokenValidity(c *checks, minutes int) {
	c.add(minutes == 0 || (minutes >= 5 && minutes <= 1440), "id_token_validity_minutes must be between 5 and 1440 (1 day).")
}

// checkAlarmTopic: the architectures' alarm_topic_arn (empty: the module creates its own topic).
func checkAlarmTopic(c *checks, arn string) {
	c.add(arn == "" || topicRule.MatchString(arn), "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>.")
}

func checkPriceClass(c *checks, v string) {
	c.add(v == "" || slices.Contains([]string{"PriceClass_All", "PriceClass_200", "PriceClass_100"}, v), "%s", msgPriceClass)
}

// cidrFits reports whether prefix is an IPv4 CIDR block that can be cut into 16 subnets (tofu's cidrsubnet(x, 4, n)).
func cidrFits(prefix string) bool {
	p, err := netip.ParsePrefix(prefix)
	return err == nil && p.Addr().Is4() && p.Bits() <= 28 && p.Masked() == p
}
