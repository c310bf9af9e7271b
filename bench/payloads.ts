/** The payloads every bench case uses: a 10-segment Milky send_group_message and a get_message result. */

export const sendGroupMessage = {
  group_id: 123456789,
  message: [
    { type: 'text', data: { text: 'Hello, world!' } },
    { type: 'mention', data: { user_id: 10001 } },
    { type: 'face', data: { face_id: '14', is_large: false } },
    { type: 'image', data: { uri: 'base64://AAAA', sub_type: 'normal', summary: '[图片]' } },
    { type: 'reply', data: { message_seq: 23333 } },
    { type: 'text', data: { text: '第二段文本' } },
    { type: 'mention_all', data: {} },
    { type: 'record', data: { uri: 'https://example.com/a.amr' } },
    { type: 'video', data: { uri: 'file:///tmp/v.mp4', thumb_uri: 'file:///tmp/t.jpg' } },
    { type: 'light_app', data: { json_payload: '{"app":"com.tencent.miniapp"}' } },
  ],
};

/** The last segment's text is a number. */
export const sendGroupMessageInvalid = { ...sendGroupMessage, message: [...sendGroupMessage.message.slice(0, 9), { type: 'text', data: { text: 42 } }] };

export const sendGroupMessageResult = { message_seq: 23334, time: 1234567890 };

const segments = [
  { type: 'reply', data: { message_seq: 23330, sender_id: 10002, time: 1234567000, segments: [{ type: 'text', data: { text: '原消息' } }] } },
  { type: 'mention', data: { user_id: 10002, name: 'Bob' } },
  { type: 'text', data: { text: ' 你好 ' } },
  { type: 'face', data: { face_id: '14', is_large: false } },
  { type: 'image', data: { resource_id: 'img-res-1', temp_url: 'https://example.com/tmp/img1', width: 640, height: 480, summary: '[图片]', sub_type: 'normal' } },
  { type: 'record', data: { resource_id: 'rec-res-1', temp_url: 'https://example.com/tmp/rec1', duration: 5 } },
  { type: 'text', data: { text: '再见' } },
];

export const getMessageResult = {
  message: {
    message_scene: 'group',
    peer_id: 987654321,
    message_seq: 23333,
    sender_id: 123456789,
    time: 1234567890,
    segments,
    group: { group_id: 987654321, group_name: '测试群', member_count: 42, max_member_count: 200, remark: '', created_time: 1600000000, description: '', question: '', announcement: '' },
    group_member: { user_id: 123456789, nickname: 'Alice', sex: 'female', group_id: 987654321, card: '', title: '', level: 12, role: 'member', join_time: 1600000100, last_sent_time: 1234567890, shut_up_end_time: null },
  },
};

/** The group member's level is text (milky-types turns a bad incoming segment into text, so the
 * broken field is outside the segments for all three validators to reject it). */
export const getMessageResultInvalid = {
  message: { ...getMessageResult.message, group_member: { ...getMessageResult.message.group_member, level: 'twelve' } },
};

/** A OneBot 11 message as CQ code, `groups` × 4 segments (escaped text, face, at, image). */
export function cqMessage(groups: number): string {
  return Array.from({ length: groups }, (_, i) =>
    [`第${i}段 a&amp;b &#91;x&#93;,y `, `[CQ:face,id=${i + 10}]`, `[CQ:at,qq=${10001 + i}]`, `[CQ:image,file=https://example.com/${i}.png?a=1&amp;b=2,type=show]`].join(''),
  ).join('');
}
