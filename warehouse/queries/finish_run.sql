update runs set alerts_fired = $alerts_fired where run_id = $run_id
