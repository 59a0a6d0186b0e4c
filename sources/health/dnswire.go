package health

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// The DNS wire format, with golang.org/x/net/dns/dnsmessage: one question out, one answer
// in. (A full DNS library is twenty times the code for this one job.)

const (
	dnsHeaderSize = 12
	dnsMinMsgSize = 512 // the UDP size every resolver supports
)

var (
	errDNSShortRead = errors.New("short read")
	errDNSID        = errors.New("id mismatch")
)

// dnsReply is what a resolver's answer says, as far as the probe cares.
type dnsReply struct {
	id        uint16
	rcode     int // with the EDNS extended bits
	truncated bool
	answers   []netip.Addr // the A and AAAA records, in the order given
	ttl       uint32       // the smallest TTL of the A, AAAA and CNAME records
	hasTTL    bool
}

// validDomainName reports whether s (without the trailing dot) can be asked: labels of 1
// to 63 bytes, at most 255 bytes on the wire, no escapes.
func validDomainName(s string) bool {
	if s == "" || len(s)+2 > 255 || strings.ContainsAny(s, `\`) {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
	}
	return true
}

// dnsQuery packs the question for host (no trailing dot) and qtype, with a random id,
// recursion desired and an EDNS0 record offering ednsSize bytes over UDP.
func dnsQuery(host string, qtype dnsmessage.Type) ([]byte, uint16, error) {
	name, err := dnsmessage.NewName(host + ".")
	if err != nil {
		return nil, 0, err
	}
	var idb [2]byte
	_, _ = rand.Read(idb[:])
	id := binary.BigEndian.Uint16(idb[:])
	b := dnsmessage.NewBuilder(make([]byte, 0, 64+len(host)), dnsmessage.Header{ID: id, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		return nil, 0, err
	}
	if err := b.Question(dnsmessage.Question{Name: name, Type: qtype, Class: dnsmessage.ClassINET}); err != nil {
		return nil, 0, err
	}
	if err := b.StartAdditionals(); err != nil {
		return nil, 0, err
	}
	var opt dnsmessage.ResourceHeader
	if err := opt.SetEDNS0(ednsSize, dnsmessage.RCodeSuccess, false); err != nil {
		return nil, 0, err
	}
	if err := b.OPTResource(opt, dnsmessage.OPTResource{}); err != nil {
		return nil, 0, err
	}
	msg, err := b.Finish()
	return msg, id, err
}

// parseDNSReply reads a resolver's answer. A header alone is an answer (some resolvers
// answer REFUSED so); so is a truncated one, whose records are not read (it is asked again
// over TCP). Anything else that does not parse to its last record is an error.
func parseDNSReply(msg []byte) (*dnsReply, error) {
	if len(msg) < dnsHeaderSize {
		return nil, errDNSShortRead
	}
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil, fmt.Errorf("bad answer: %w", err)
	}
	r := &dnsReply{id: h.ID, rcode: int(h.RCode), truncated: h.Truncated}
	if r.truncated || len(msg) == dnsHeaderSize {
		return r, nil
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, fmt.Errorf("bad answer: %w", err)
	}
	answers, err := p.AllAnswers()
	if err != nil {
		return nil, fmt.Errorf("bad answer: %w", err)
	}
	if err := p.SkipAllAuthorities(); err != nil {
		return nil, fmt.Errorf("bad answer: %w", err)
	}
	extra, err := p.AllAdditionals()
	if err != nil {
		return nil, fmt.Errorf("bad answer: %w", err)
	}
	for _, rr := range extra {
		if rr.Header.Type == dnsmessage.TypeOPT {
			r.rcode = int(rr.Header.ExtendedRCode(h.RCode))
			break
		}
	}
	for _, rr := range answers {
		var a netip.Addr
		switch body := rr.Body.(type) {
		// dnsmessage reads 4 or 16 bytes whatever the record's length says; a record
		// without them (an empty one, as in updates) has no address.
		case *dnsmessage.AResource:
			if rr.Header.Length == 4 {
				a = netip.AddrFrom4(body.A)
			}
		case *dnsmessage.AAAAResource:
			if rr.Header.Length == 16 {
				a = netip.AddrFrom16(body.AAAA).Unmap()
			}
		case *dnsmessage.CNAMEResource:
		default:
			continue
		}
		if !r.hasTTL || rr.Header.TTL < r.ttl {
			r.ttl, r.hasTTL = rr.Header.TTL, true
		}
		if a.IsValid() {
			r.answers = append(r.answers, a)
		}
	}
	return r, nil
}

// rcodeNames are the response codes in words, as dig writes them.
var rcodeNames = map[int]string{
	0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
	6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 11: "DSOTYPENI",
	16: "BADVERS", 17: "BADKEY", 18: "BADTIME", 19: "BADMODE", 20: "BADNAME", 21: "BADALG",
	22: "BADTRUNC", 23: "BADCOOKIE",
}

// rcodeName is the code's name, or "RCODE n" for one without a name.
func rcodeName(rcode int) string {
	if s, ok := rcodeNames[rcode]; ok {
		return s
	}
	return fmt.Sprintf("RCODE %d", rcode)
}
