package sqlite

import (
	"encoding/json"
	"maps"
	"testing"
)

func FuzzDecodeMap(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":"b"}`, `{"a":"b","c":"d"}`, `{"a":"\u003c"}`, `{"a":"b",}`, `{"a":1}`,
		`{ "a" : "b" }`, `{"a":"b","a":"c"}`, `{"é":"ü"}`, "{\"a\":\"\xff\"}", `{"a":"b"}x`, `{"a"}`, `{`, `null`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := map[string]string{}
		wantErr := json.Unmarshal(b, &want)
		got, err := decodeMap(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: err %v, encoding/json err %v", b, err, wantErr)
		}
		if err == nil && !maps.Equal(got, want) {
			t.Fatalf("%q: got %v, encoding/json %v", b, got, want)
		}
	})
}

func TestDecodeMapRoundTrip(t *testing.T) {
	t.Parallel()
	for _, m := range []map[string]string{
		nil, {}, {"email": "a@b.c", "name": "Ünïcode <tag> & \"quotes\"\n", "custom:x": ""},
	} {
		got, err := decodeMap([]byte(jsonMap(m)))
		if err != nil || len(got) != len(m) || (len(m) > 0 && !maps.Equal(got, m)) {
			t.Fatalf("round trip of %v: %v, %v", m, got, err)
		}
	}
}
