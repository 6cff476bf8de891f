package orders

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// Event is what the service publishes after storing an order: {"type": "order.created", "source": ..., "order": ...}.
type Event struct {
	Type   string `json:"type"`
	Source string `json:"source"`
	Order  Order  `json:"order"`
}

// Publisher sends events to the other services.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// SNSAPI is the one SNS call the publisher makes.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNSPublisher publishes events to a topic, with the event type as the `type` message attribute that the queues'
// filter policies match.
type SNSPublisher struct {
	API      SNSAPI
	TopicARN string
}

// Publish sends one event.
func (p SNSPublisher) Publish(ctx context.Context, e Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = p.API.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(p.TopicARN),
		Message:  aws.String(string(body)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"type": {DataType: aws.String("String"), StringValue: aws.String(e.Type)},
		},
	})
	return err
}
