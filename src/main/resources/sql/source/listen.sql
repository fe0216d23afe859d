-- Wake-ups: the capture triggers notify this channel when the producer is idle.
LISTEN ${channel}
