package proto

import (
	"bufio"
	"net/textproto"
	"reflect"
	"strings"
	"testing"
)

// readSection parses a header section (field lines and the empty line) with
// this package's reader.
func readSection(section string, size int) (Header, error) {
	var h headReader
	if err := h.readFields(bufio.NewReaderSize(strings.NewReader(section), size)); err != nil {
		return nil, err
	}
	return h.fields(nil, string(h.buf)), nil
}

// compareTextproto checks that a header section this package accepts is
// accepted by net/textproto with the same fields, in the same order for each
// name. It returns textproto's error.
func compareTextproto(t *testing.T, section string, ours Header) error {
	t.Helper()
	mh, err := textproto.NewReader(bufio.NewReader(strings.NewReader(section))).ReadMIMEHeader()
	if err != nil {
		return err
	}
	want := map[string][]string{}
	for _, f := range ours {
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		want[k] = append(want[k], f.Value)
	}
	if len(want) == 0 && len(mh) == 0 {
		return nil
	}
	if !reflect.DeepEqual(map[string][]string(mh), want) {
		t.Errorf("header section %q:\n ours     %q\n textproto %q", section, want, mh)
	}
	return nil
}

var headerSections = []string{
	"\r\n",
	"Host: a\r\n\r\n",
	"Host:a\nX: 1\n\n",
	"A: 1\r\nb: 2\r\nA: 3\r\nCONTENT-type: image/png\r\n\r\n",
	"X-Pad: \t padded \t \r\nEmpty:\r\nEmpty2: \t\r\n\r\n",
	"Odd!#$%&'*+-.^_`|~Name: v\r\n\r\n",
	"X: a \xff b\r\nY: quoted \"str\\\"ing\" (comment)\r\n\r\n",
	"user-agent: curl/8.5.0\r\naccept: */*\r\nexpect: 100-continue\r\n\r\n",
	"X: a: b: c\r\n\r\n",
	"X: ,,,\r\n\r\n",
	// Rejected by this package.
	"Host : a\r\n\r\n",
	"X: a\r\n b\r\n\r\n",
	" X: a\r\n\r\n",
	"X: a\x00b\r\n\r\n",
	"X: a\rb\r\n\r\n",
	"X\r\n\r\n",
	": v\r\n\r\n",
	"X(: v\r\n\r\n",
}

func TestFieldsMatchTextproto(t *testing.T) {
	accepted := 0
	for _, s := range headerSections {
		ours, err := readSection(s, 4096)
		small, errSmall := readSection(s, 16)
		if !sameErr(err, errSmall) || !reflect.DeepEqual(ours, small) {
			t.Errorf("section %q: %q, %v with a 4 KiB buffer; %q, %v with a 16-byte buffer", s, ours, err, small, errSmall)
		}
		if err != nil {
			continue
		}
		accepted++
		if terr := compareTextproto(t, s, ours); terr != nil {
			t.Errorf("section %q: accepted here, textproto says %v", s, terr)
		}
	}
	if accepted != 10 {
		t.Errorf("accepted %d sections; want the first 10", accepted)
	}
}
