// Command warroom is a terminal dashboard for the hours of a live migration cutover.
package main

func main() {}
