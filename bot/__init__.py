"""The answering side of partnerbot."""
