-- The replies about an appointment, for the Appointments page's Messages column and its page.
CREATE INDEX `inbound_appointment_idx` ON `inbound_messages` (`appointment_id`,`received_at`);