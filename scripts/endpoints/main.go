// Command endpoints serves N health endpoints on loopback, each answering after its own
// delay (5–50 ms), and prints a warroom.yaml that probes them every second: the setup for
// measuring `warroom run` watching 20 endpoints (docs/performance.md).
//
//	go run ./scripts/endpoints -n 20 > /tmp/endpoints.yaml
//	go run ./scripts/endpoints -n 20 -pin 4 > /tmp/endpoints.yaml   # the first 4 as tall charts
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"
)

func main() {
	n := flag.Int("n", 20, "how many endpoints")
	pins := flag.Int("pin", 0, "how many of them, from the first, are pinned (drawn as tall charts)")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("title: 20 loopback endpoints")
	fmt.Println("defaults: {interval: 1s, timeout: 1s, window: 10m}")
	fmt.Println("health:")
	for i := 0; i < *n; i++ {
		delay := 5 + 45*i/max(*n-1, 1)
		pin := ""
		if i < *pins {
			pin = ", pin: true"
		}
		fmt.Printf("  - {name: backend-%02d, url: \"http://%s/%d\", latency: {warn: 40ms, crit: 100ms}%s}\n", i, ln.Addr(), delay, pin)
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ms int
		fmt.Sscanf(r.URL.Path, "/%d", &ms)
		time.Sleep(time.Duration(min(ms, 1000)) * time.Millisecond)
		fmt.Fprintln(w, "ok")
	})))
}
