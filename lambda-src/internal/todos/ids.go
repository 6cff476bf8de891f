package todos

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/oklog/ulid/v2"
)

// ulidEntropy is crypto/rand made monotonic within a millisecond (and safe
// for concurrent use), so ids minted by one instance in the same
// millisecond still sort in creation order.
var ulidEntropy = &ulid.LockedMonotonicReader{MonotonicReader: ulid.Monotonic(rand.Reader, 0)}

// NewID returns a new todo id: a ULID (26 characters, Crockford base32,
// upper case) whose first 48 bits are t in milliseconds.
func NewID(t time.Time) (string, error) {
	id, err := ulid.New(ulid.Timestamp(t), ulidEntropy)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// ValidID reports whether s is a todo id in canonical form: a ULID as
// NewID writes it (so one todo has exactly one spelling).
func ValidID(s string) bool {
	id, err := ulid.ParseStrict(s)
	return err == nil && id.String() == s
}

// maxCursorBytes bounds the encoded cursor (an owner of up to 1024 bytes
// plus a ULID, JSON, base64).
const maxCursorBytes = 2048

// cursorKey is the last key of a page, the cursor's content. The field
// names are the table's key attributes.
type cursorKey struct {
	Owner string `json:"owner"`
	ID    string `json:"id"`
}

var errBadCursor = errors.New("invalid cursor")

// encodeCursor makes the opaque next_cursor for the page that ended at id:
// base64url (unpadded) of the JSON of that key.
func encodeCursor(owner, id string) string {
	b, err := json.Marshal(cursorKey{Owner: owner, ID: id})
	if err != nil { // unreachable: two strings always encode
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the id a cursor points after. It fails for anything
// encodeCursor could not have produced for owner: bad base64 or JSON, other
// fields, an id that is not a ULID, or another owner's key.
func decodeCursor(owner, cursor string) (string, error) {
	if len(cursor) > maxCursorBytes {
		return "", errBadCursor
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil {
		return "", errBadCursor
	}
	var key cursorKey
	if msg := decodeObject(raw, &key); msg != "" {
		return "", errBadCursor
	}
	if key.Owner != owner || !ValidID(key.ID) {
		return "", errBadCursor
	}
	return key.ID, nil
}
