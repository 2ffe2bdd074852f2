// Drives every Contacts operation through the official HighLevel Node SDK
// (@gohighlevel/api-client), unchanged but for its base URL, against a
// running ghlmock. Usage: node check.js BASE_URL TOKEN LOCATION_ID
// Prints one JSON line per call and exits non-zero on the first failure.
'use strict';
const { HighLevel } = require('@gohighlevel/api-client');

const [baseURL, token, locationId] = process.argv.slice(2);
HighLevel.BASE_URL = baseURL; // the one change: point the SDK at the mock
const ghl = new HighLevel({ privateIntegrationToken: token });
const c = ghl.contacts;

// Ids of the default fixtures (fixtures/default.yaml).
const user = '5xU7Tu1bwfKWCuvQxqTh';
const campaign = 'Q4UZfg6wg3YS3BNUHEuz';
const workflow = 'k6BpcetANCSIrFGrxnft';
const business = 'a1dc14807ae9e2266dcbc9ee';

function check(name, cond, got) {
  if (!cond) {
    console.log(JSON.stringify({ call: name, ok: false, got }));
    process.exit(1);
  }
  console.log(JSON.stringify({ call: name, ok: true }));
}

(async () => {
  const created = await c.createContact({ locationId, firstName: 'Sdk', lastName: 'Check', email: 'sdk.check@example.com', phone: '+14155550199', tags: ['SDK'] });
  check('createContact', created.contact && created.contact.id && created.contact.tags[0] === 'sdk', created);
  const id = created.contact.id;

  const got = await c.getContact({ contactId: id });
  check('getContact', got.contact.emailLowerCase === 'sdk.check@example.com', got);
  const upd = await c.updateContact({ contactId: id }, { city: 'Oakland' });
  check('updateContact', upd.succeded === true && upd.contact.city === 'Oakland', upd);

  const list = await c.getContacts({ locationId, limit: 5 });
  check('getContacts', list.contacts.length === 5 && list.meta.total > 5 && list.meta.startAfterId, list.meta);
  const next = await c.getContacts({ locationId, limit: 5, startAfter: list.meta.startAfter, startAfterId: list.meta.startAfterId });
  check('getContacts page 2', next.contacts[0].id !== list.contacts[0].id, next.meta);

  const search = await c.searchContactsAdvanced({ locationId, pageLimit: 10, filters: [{ field: 'email', operator: 'eq', value: 'sdk.check@example.com' }] });
  check('searchContactsAdvanced', search.total === 1 && search.contacts[0].id === id, search);
  const dup = await c.getDuplicateContact({ locationId, email: 'sdk.check@example.com' });
  check('getDuplicateContact', dup.contact && dup.contact.id === id, dup);
  const dupPhone = await c.getDuplicateContact({ locationId, number: '+14155550199' });
  check('getDuplicateContact by number', dupPhone.contact && dupPhone.contact.id === id, dupPhone);
  const ups = await c.upsertContact({ locationId, email: 'sdk.check@example.com', lastName: 'Checked' });
  check('upsertContact', ups.new === false && ups.contact.id === id && ups.contact.lastName === 'Checked', ups);

  const tags = await c.addTags({ contactId: id }, { tags: ['vip'] });
  check('addTags', tags.tagsAdded.length === 1, tags);
  const untag = await c.removeTags({ contactId: id }, { tags: ['vip'] });
  check('removeTags (DELETE with a body)', untag.tagsRemoved[0] === 'vip', untag);

  const task = await c.createTask({ contactId: id }, { title: 'Call', dueDate: '2026-12-01T10:00:00Z', completed: false });
  check('createTask', task.task && task.task.id, task);
  const tid = task.task.id;
  check('getAllTasks', (await c.getAllTasks({ contactId: id })).tasks.length === 1);
  check('getTask', (await c.getTask({ contactId: id, taskId: tid })).task.title === 'Call');
  check('updateTask', (await c.updateTask({ contactId: id, taskId: tid }, { title: 'Call back' })).task.title === 'Call back');
  check('updateTaskCompleted', (await c.updateTaskCompleted({ contactId: id, taskId: tid }, { completed: true })).task.completed === true);
  check('deleteTask', (await c.deleteTask({ contactId: id, taskId: tid })).succeded === true);

  const note = await c.createNote({ contactId: id }, { body: 'From the SDK', userId: user });
  check('createNote', note.note && note.note.id, note);
  const nid = note.note.id;
  check('getAllNotes', (await c.getAllNotes({ contactId: id })).notes.length === 1);
  check('getNote', (await c.getNote({ contactId: id, id: nid })).note.body === 'From the SDK');
  check('updateNote', (await c.updateNote({ contactId: id, id: nid }, { body: 'Edited' })).note.body === 'Edited');
  check('deleteNote', (await c.deleteNote({ contactId: id, id: nid })).succeded === true);

  check('getAppointmentsForContact', Array.isArray((await c.getAppointmentsForContact({ contactId: id })).events));

  const fol = await c.addFollowersContact({ contactId: id }, { followers: [user] });
  check('addFollowersContact', fol.followersAdded[0] === user, fol);
  const unfol = await c.removeFollowersContact({ contactId: id }, { followers: [user] });
  check('removeFollowersContact (DELETE with a body)', unfol.followersRemoved[0] === user, unfol);

  check('addContactToCampaign', (await c.addContactToCampaign({ contactId: id, campaignId: campaign }, {})).succeded === true);
  check('removeContactFromCampaign', (await c.removeContactFromCampaign({ contactId: id, campaignId: campaign })).succeded === true);
  check('removeContactFromEveryCampaign', (await c.removeContactFromEveryCampaign({ contactId: id })).succeded === true);
  check('addContactToWorkflow', (await c.addContactToWorkflow({ contactId: id, workflowId: workflow }, { eventStartTime: '2026-12-01T09:00:00+01:00' })).succeded === true);
  check('deleteContactFromWorkflow (DELETE with a body)', (await c.deleteContactFromWorkflow({ contactId: id, workflowId: workflow }, { eventStartTime: '2026-12-01T09:00:00+01:00' })).succeded === true);

  const bb = await c.addRemoveContactFromBusiness({ locationId, ids: [id], businessId: business });
  check('addRemoveContactFromBusiness', bb.success === true && bb.ids[0] === id, bb);
  const byb = await c.getContactsByBusinessId({ businessId: business, locationId });
  check('getContactsByBusinessId', byb.contacts.some((x) => x.id === id), byb.count);
  const bt = await c.createAssociation({ type: 'add' }, { locationId, contacts: [id], tags: ['bulk'] });
  check('createAssociation', bt.errorCount === 0 && bt.responses[0].tagsAdded[0] === 'bulk', bt);

  check('deleteContact', (await c.deleteContact({ contactId: id })).succeded === true);
  try {
    await c.getContact({ contactId: id });
    check('getContact after delete', false, 'no error');
  } catch (e) {
    check('getContact after delete (400)', e.statusCode === 400 && /Contact not found/.test(e.message), { status: e.statusCode, message: e.message });
  }
})().catch((e) => {
  console.log(JSON.stringify({ call: 'unexpected', ok: false, got: { status: e.statusCode, message: e.message, response: e.response } }));
  process.exit(1);
});
