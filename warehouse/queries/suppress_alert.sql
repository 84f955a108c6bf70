update alerts set status = 'suppressed' where alert_id = $alert_id
