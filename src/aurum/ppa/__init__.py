"""PPA valuation: contract terms as data (`aurum.ppa.contract`) and the constructed
generation profiles seed (`aurum.ppa.profiles`)."""
