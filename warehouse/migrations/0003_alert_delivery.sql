-- Alert delivery per channel: an alert is sent to each configured channel once, and a failed delivery is kept
-- with its reason until a later run delivers it. Channels are stored masked; channel_key is a hash of the URL.

alter table alerts add column subject_kind varchar;
alter table alerts add column event varchar;             -- spike, new-pairing, watch-term, feed-dead, feed-recovered

create table alert_deliveries (
    alert_id varchar not null,
    channel_key varchar not null,        -- sha256 of the channel URL: identifies it without keeping the secret
    channel varchar not null,            -- masked, e.g. slack://***
    status varchar not null,             -- pending, delivered, failed, rejected, expired, printed
    attempts integer not null default 0,
    first_attempt_at timestamptz,
    last_attempt_at timestamptz,
    delivered_at timestamptz,
    last_error varchar,
    run_id varchar not null,             -- the run that last touched this delivery
    primary key (alert_id, channel_key)
);
