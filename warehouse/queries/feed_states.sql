select * from feed_state
