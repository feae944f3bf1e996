//go:build !race

package socket

const concClients, concMessages = 1000, 100
