package record

import (
	"bytes"
	"encoding/binary"
)

// zstd frame magic numbers (RFC 8878 §3.1).
var frameMagic = []byte{0x28, 0xB5, 0x2F, 0xFD}

const (
	skippableMin = 0x184D2A50
	skippableMax = 0x184D2A5F
)

// frameLen returns the length of the zstd frame (or skippable frame) at the start of data,
// walking its block headers without decoding, and false when data does not hold a whole
// frame there: a torn tail, or bytes that are not a frame.
func frameLen(data []byte) (int, bool) {
	if len(data) < 4 {
		return 0, false
	}
	magic := binary.LittleEndian.Uint32(data)
	if magic >= skippableMin && magic <= skippableMax {
		if len(data) < 8 {
			return 0, false
		}
		n := 8 + int(binary.LittleEndian.Uint32(data[4:]))
		return n, n <= len(data)
	}
	if !bytes.Equal(data[:4], frameMagic) || len(data) < 5 {
		return 0, false
	}
	fhd := data[4]
	single := fhd&0x20 != 0
	checksum := fhd&0x04 != 0
	pos := 5
	if !single {
		pos++ // window descriptor
	}
	pos += [4]int{0, 1, 2, 4}[fhd&0x03] // dictionary id
	fcs := [4]int{0, 2, 4, 8}[fhd>>6]
	if fhd>>6 == 0 && single {
		fcs = 1
	}
	pos += fcs
	for {
		if pos+3 > len(data) {
			return 0, false
		}
		h := uint32(data[pos]) | uint32(data[pos+1])<<8 | uint32(data[pos+2])<<16
		pos += 3
		last, typ, size := h&1 == 1, (h>>1)&3, int(h>>3)
		switch typ {
		case 0, 2: // raw, compressed: size bytes follow
			pos += size
		case 1: // RLE: one byte
			pos++
		default:
			return 0, false
		}
		if pos > len(data) {
			return 0, false
		}
		if last {
			break
		}
	}
	if checksum {
		pos += 4
	}
	return pos, pos <= len(data)
}

// wholeFrames returns the length of the longest prefix of data made of whole frames.
func wholeFrames(data []byte) int {
	off := 0
	for off < len(data) {
		n, ok := frameLen(data[off:])
		if !ok {
			break
		}
		off += n
	}
	return off
}
