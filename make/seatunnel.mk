# Apache SeaTunnel 2.3.8 (Zeta, local mode) from Maven Central jars; see docs/seatunnel.md.
# Included from the Makefile. The SeaTunnel tests fetch it themselves; this is for people.
SEATUNNEL := scripts/services/seatunnel.sh

.PHONY: seatunnel-fetch

seatunnel-fetch:
	$(SEATUNNEL) install
